output "vm_id" {
  value = azurerm_linux_virtual_machine.main.id
}

output "vm_principal_id" {
  description = "Object ID of the VM's system-assigned managed identity"
  value       = azurerm_linux_virtual_machine.main.identity[0].principal_id
}

output "private_ip_address" {
  value = azurerm_network_interface.main.private_ip_address
}
