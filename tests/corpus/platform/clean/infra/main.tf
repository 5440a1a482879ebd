locals {
  tags = merge(var.tags, {
    project    = var.prefix
    managed_by = "terraform"
  })

  # Static private IPs: node2 joins node1 by address, so it needs no dependency on module.node1.
  node_private_ips = {
    node1 = "10.0.1.10"
    node2 = "10.0.1.11"
  }
}

data "azurerm_client_config" "current" {}

module "network" {
  source      = "./modules/network"
  prefix      = var.prefix
  location    = var.location
  admin_cidrs = var.admin_cidrs
  node_names  = toset(keys(local.node_private_ips))
  tags        = local.tags
}

# K3s server. Cloud-init reads the join token from Key Vault at first boot.
module "node1" {
  source               = "./modules/compute"
  vm_name              = "vm-${var.prefix}-node1"
  location             = module.network.resource_group_location
  resource_group_name  = module.network.resource_group_name
  subnet_id            = module.network.subnet_id
  private_ip_address   = local.node_private_ips["node1"]
  public_ip_id         = module.network.public_ip_ids["node1"]
  vm_size              = var.vm_size
  admin_username       = var.admin_username
  admin_ssh_public_key = var.admin_ssh_public_key
  tags                 = local.tags
  custom_data = base64encode(templatefile("${path.module}/cloud-init-server.yaml", {
    keyvault_name    = var.keyvault_name
    acr_name         = var.acr_name
    acr_login_server = "${var.acr_name}.azurecr.io"
    github_token     = var.github_token
    tls_sans         = [module.network.public_ip_addresses["node1"], "node1.k3s.${var.dns_zone_name}"]
  }))
}

# K3s agent for observability workloads (ADR-016). Joins node1 over the private network.
module "node2" {
  source               = "./modules/compute"
  vm_name              = "vm-${var.prefix}-node2"
  location             = module.network.resource_group_location
  resource_group_name  = module.network.resource_group_name
  subnet_id            = module.network.subnet_id
  private_ip_address   = local.node_private_ips["node2"]
  public_ip_id         = module.network.public_ip_ids["node2"]
  vm_size              = var.vm_size
  admin_username       = var.admin_username
  admin_ssh_public_key = var.admin_ssh_public_key
  tags                 = local.tags
  custom_data = base64encode(templatefile("${path.module}/cloud-init-agent.yaml", {
    keyvault_name    = var.keyvault_name
    acr_name         = var.acr_name
    acr_login_server = "${var.acr_name}.azurecr.io"
    node1_private_ip = local.node_private_ips["node1"]
    node_labels      = { role = "observability" }
  }))
}

# Before spec 0001 the single VM was module.compute.
moved {
  from = module.compute
  to   = module.node1
}
