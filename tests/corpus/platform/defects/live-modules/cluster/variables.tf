variable "cluster_name" {
  type = string
}

variable "location" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "subnet_id" {
  description = "Subnet for all node pools"
  type        = string
}

variable "kubernetes_version" {
  type = string
}

variable "system_node_count" {
  type    = number
  default = 2
}

variable "user_node_pools" {
  description = "Additional node pools by name"
  type = map(object({
    vm_size    = string
    node_count = number
    taints     = list(string)
  }))
  default = {}
}

variable "tags" {
  type    = map(string)
  default = {}
}
