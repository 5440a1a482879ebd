locals {
  # SSH and the Kubernetes API only from the admin CIDRs; HTTP(S) from anywhere.
  inbound_rules = [
    { name = "allow-ssh", priority = 100, port = "22", sources = var.admin_cidrs },
    { name = "allow-k8s-api", priority = 110, port = "6443", sources = var.admin_cidrs },
    { name = "allow-http", priority = 200, port = "80", sources = ["0.0.0.0/0"] },
    { name = "allow-https", priority = 210, port = "443", sources = ["0.0.0.0/0"] },
  ]
}

resource "azurerm_resource_group" "main" {
  name     = "rg-${var.prefix}-io"
  location = var.location
  tags     = var.tags
}

resource "azurerm_virtual_network" "main" {
  name                = "vnet-${var.prefix}-io"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  address_space       = ["10.0.0.0/16"]
  tags                = var.tags
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = ["10.0.1.0/24"]
}

resource "azurerm_network_security_group" "main" {
  name                = "nsg-${var.prefix}-io"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = var.tags

  dynamic "security_rule" {
    for_each = local.inbound_rules
    content {
      name                       = security_rule.value.name
      priority                   = security_rule.value.priority
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = security_rule.value.port
      source_address_prefixes    = security_rule.value.sources
      destination_address_prefix = "*"
    }
  }
}

resource "azurerm_subnet_network_security_group_association" "nodes" {
  subnet_id                 = azurerm_subnet.nodes.id
  network_security_group_id = azurerm_network_security_group.nodes.id
}

resource "azurerm_public_ip" "node" {
  for_each            = var.node_names
  name                = "pip-${var.prefix}-${each.key}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = ["1"]
  tags                = var.tags
}

# There was a single public IP before node2 was added.
moved {
  from = azurerm_public_ip.main
  to   = azurerm_public_ip.node["node1"]
}
