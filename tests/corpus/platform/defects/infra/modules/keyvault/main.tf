data "azurerm_client_config" "current" {}

resource "azurerm_key_vault" "main" {
  name                       = var.name
  location                   = var.location
  resource_group_name        = var.resource_group_name
  tenant_id                  = var.tenant_id
  sku_name                   = "standard"
  purge_protection_enabled   = false
  soft_delete_retention_days = var.soft_delete_retention_days
  enable_rbac_authorization  = true
  tags                       = var.tags
}

# Each node's managed identity reads the K3s join token at boot.
resource "azurerm_role_assignment" "vm_secrets_user" {
  for_each             = var.vm_principal_ids
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = each.value
}

# Lets Terraform itself write the join token.
resource "azurerm_role_assignment" "terraform_secrets_officer" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = var.terraform_object_id
}
