output "key_vault_id" {
  value = azurerm_key_vault.main.id
  # Terraform writes secrets through this ID, which needs the officer role first.
  depends_on = [azurerm_role_assignment.terraform_secrets_officer]
}

output "key_vault_uri" {
  value = azurerm_key_vault.main.vault_uri
}

output "key_vault_name" {
  value = azurerm_key_vault.main.name
  # Consumers read secrets by name as soon as they have it: hand it out once the VMs may read.
  depends_on = [azurerm_role_assignment.vm_secrets_user]
}
