resource "azurerm_kubernetes_cluster" "main" {
  name                      = var.cluster_name
  location                  = var.location
  resource_group_name       = var.resource_group_name
  dns_prefix                = var.cluster_name
  kubernetes_version        = var.kubernetes_version
  oidc_issuer_enabled       = true
  workload_identity_enabled = true
  tags                      = var.tags

  default_node_pool {
    name                         = "system"
    vm_size                      = "Standard_D2ads_v5"
    node_count                   = var.system_node_count
    vnet_subnet_id               = var.subnet_id
    auto_scaling_enabled         = false
    only_critical_addons_enabled = true
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_data_plane  = "cilium"
    load_balancer_sku   = "standard"
  }

  # Node pool upgrades are rolled out by the AKS auto-upgrade channel, not by Terraform.
  lifecycle {
    ignore_changes = [default_node_pool[0].orchestrator_version]
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  for_each              = var.user_node_pools
  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.main.id
  vm_size               = each.value.vm_size
  node_count            = each.value.node_count
  node_taints           = each.value.taints
  vnet_subnet_id        = var.subnet_id
  tags                  = var.tags
}

# Static address for ingress-nginx; lives in the node resource group so the cluster identity can use it.
resource "azurerm_public_ip" "ingress" {
  name                = "pip-${var.cluster_name}-ingress"
  location            = var.location
  resource_group_name = azurerm_kubernetes_cluster.main.node_resource_group
  allocation_method   = "Static"
  sku                 = "Standard"
  tags                = var.tags
}
