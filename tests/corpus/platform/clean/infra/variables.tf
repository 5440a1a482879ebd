variable "subscription_id" {
  description = "Subscription that hosts the platform"
  type        = string
}

variable "connectivity_subscription_id" {
  description = "Subscription that owns the public DNS zone"
  type        = string
}

variable "location" {
  description = "Azure region for all resources"
  type        = string
  default     = "uksouth"
}

variable "prefix" {
  description = "Short name used in resource names"
  type        = string
  default     = "kevinryan"
}

variable "admin_cidrs" {
  description = "CIDRs allowed to reach SSH (22) and the Kubernetes API (6443)"
  type        = list(string)
}

variable "vm_size" {
  description = "VM size for both K3s nodes"
  type        = string
  default     = "Standard_B2s"
}

variable "admin_username" {
  description = "Admin user created on the VMs"
  type        = string
  default     = "azureuser"
}

variable "admin_ssh_public_key" {
  description = "SSH public key for the admin user"
  type        = string
}

variable "acr_name" {
  description = "Globally unique name of the container registry (alphanumeric only)"
  type        = string
  default     = "acrkevinryanio"
}

variable "github_token" {
  description = "GitHub PAT used once by flux bootstrap on node1"
  type        = string
  sensitive   = true
}

variable "keyvault_name" {
  description = "Globally unique name for the Azure Key Vault (3-24 chars, alphanumeric + hyphens)"
  type        = string
  default     = "kv-kevinryan-io"
}

variable "dns_zone_name" {
  description = "Public DNS zone the node records are created in"
  type        = string
  default     = "kevinryan.io"
}

variable "dns_zone_resource_group_name" {
  description = "Resource group of the DNS zone in the connectivity subscription"
  type        = string
  default     = "rg-connectivity-dns"
}

variable "tags" {
  description = "Extra tags applied to every resource"
  type        = map(string)
  default     = {}
}
