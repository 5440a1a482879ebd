variable "vm_name" {
  description = "VM name; also used for the NIC and OS disk names"
  type        = string
}

variable "location" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "subnet_id" {
  type = string
}

variable "private_ip_address" {
  description = "Static private IP of the NIC"
  type        = string
}

variable "public_ip_id" {
  type = string
}

variable "vm_size" {
  type    = string
  default = "Standard_B2s"
}

variable "admin_username" {
  type = string
}

variable "admin_ssh_public_key" {
  type = string
}

variable "custom_data" {
  description = "Base64-encoded cloud-init, rendered by the caller"
  type        = string
  sensitive   = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
