variable "acr_name" {
  description = "Registry name (globally unique, alphanumeric)"
  type        = string
}

variable "location" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "sku" {
  type    = string
  default = "Basic"
}

variable "vm_principal_ids" {
  description = "VM managed identity principal IDs by node name, granted AcrPull"
  type        = map(string)
}

variable "tags" {
  type    = map(string)
  default = {}
}
