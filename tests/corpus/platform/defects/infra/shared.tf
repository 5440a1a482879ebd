# Key Vault, container registry and the K3s join token shared by both nodes.

module "keyvault" {
  source              = "./modules/keyvault"
  name                = var.keyvault_name
  location            = module.network.resource_group_location
  resource_group_name = module.network.resource_group_name
  tenant_id           = data.azurerm_client_config.current.tenant_id
  terraform_object_id = data.azurerm_client_config.current.object_id
  tags                = local.tags
  vm_principal_ids = {
    node1 = module.node1.vm_principal_id
    node2 = module.node2.vm_principal_id
  }
}

module "registry" {
  source              = "./modules/acr"
  acr_name            = var.acr_name
  location            = module.network.resource_group_location
  resource_group_name = module.network.resource_group_name
  tags                = local.tags
  vm_principal_ids = {
    node1 = module.node1.vm_principal_id
    node2 = module.node2.vm_principal_id
  }
}

resource "random_password" "k3s_token" {
  length  = 48
  special = false
}

# The VMs do not wait for this secret; both cloud-init templates poll Key Vault with a bounded retry.
resource "azurerm_key_vault_secret" "k3s_token" {
  name         = "k3s-token"
  value        = random_password.k3s_token.result
  key_vault_id = module.keyvault.key_vault_id
  content_type = "K3s cluster join token"
}
