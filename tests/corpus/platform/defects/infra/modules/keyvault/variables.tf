variable "name" {
  description = "Key Vault name (globally unique)"
  type        = string
}

variable "location" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "tenant_id" {
  description = "Entra tenant of the Key Vault, passed in by the root module"
  type        = string
}

variable "terraform_object_id" {
  description = "Object ID of the Terraform caller, granted Key Vault Secrets Officer"
  type        = string
}

variable "vm_principal_ids" {
  description = "VM managed identity principal IDs by node name, granted Key Vault Secrets User"
  type        = map(string)
}

variable "soft_delete_retention_days" {
  type    = number
  default = 7
}

variable "tags" {
  type    = map(string)
  default = {}
}
