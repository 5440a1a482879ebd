resource "azurerm_container_registry" "main" {
  name                = var.acr_name
  location            = var.location
  resource_group_name = var.resource_group_name
  sku                 = var.sku
  admin_enabled       = false
  tags                = var.tags
}

# Both nodes pull images with their managed identities.
resource "azurerm_role_assignment" "acr_pull" {
  for_each             = var.vm_principal_ids
  scope                = azurerm_container_registry.main.id
  role_definition_name = "AcrPull"
  principal_id         = each.value
}
