terraform {
  required_version = ">= 1.7.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.14"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  backend "azurerm" {
    resource_group_name  = "rg-kevinryan-tfstate"
    storage_account_name = "stkevinryantfstate"
    container_name       = "tfstate"
    key                  = "kevinryan-io.tfstate"
    use_azuread_auth     = true
  }
}
