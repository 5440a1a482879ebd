output "resource_group_name" {
  value = azurerm_resource_group.main.name
}

output "resource_group_location" {
  value = azurerm_resource_group.main.location
}

output "vnet_id" {
  description = "Needed later for PostgreSQL subnet delegation"
  value       = azurerm_virtual_network.main.id
}

output "vnet_name" {
  value = azurerm_virtual_network.main.name
}

output "subnet_id" {
  value = azurerm_subnet.nodes.id
}

output "public_ip_ids" {
  description = "Public IP resource IDs by node name"
  value       = { for name, pip in azurerm_public_ip.node : name => pip.id }
}

output "public_ip_addresses" {
  description = "Public IP addresses by node name"
  value       = { for name, pip in azurerm_public_ip.node : name => pip.ip_address }
}
