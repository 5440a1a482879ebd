variable "prefix" {
  description = "Short name used in resource names"
  type        = string
}

variable "location" {
  description = "Azure region"
  type        = string
}

variable "admin_cidrs" {
  description = "CIDRs allowed to reach SSH and the Kubernetes API"
  type        = list(string)
}

variable "node_names" {
  description = "One public IP is created per node name"
  type        = set(string)
}

variable "tags" {
  description = "Tags applied to every resource"
  type        = map(string)
  default     = {}
}
