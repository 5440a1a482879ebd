output "resource_group_name" {
  value = azurerm_resource_group.main.name
}

output "vnet_id" {
  value = azurerm_virtual_network.main.id
}

output "subnet_ids" {
  description = "Subnet IDs by short name"
  value       = { for name, subnet in azurerm_subnet.main : name => subnet.id }
}
