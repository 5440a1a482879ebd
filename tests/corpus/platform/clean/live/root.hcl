# Included by every stack under live/. Remote state goes to one container, keyed by stack path.
locals {
  subscription_id = "5f0c2a61-3b7e-4d2c-9a41-7c1e8d0b2f34"
  location        = "uksouth"
  environment     = "prod"
}

remote_state {
  backend = "azurerm"
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }
  config = {
    resource_group_name  = "rg-platform-tfstate"
    storage_account_name = "stplatformtfstate"
    container_name       = "tfstate"
    key                  = "${path_relative_to_include()}/terraform.tfstate"
    use_azuread_auth     = true
  }
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOF
    provider "azurerm" {
      subscription_id = "${local.subscription_id}"
      features {}
    }
  EOF
}

inputs = {
  location = local.location
  tags = {
    environment = local.environment
    managed_by  = "terragrunt"
  }
}
