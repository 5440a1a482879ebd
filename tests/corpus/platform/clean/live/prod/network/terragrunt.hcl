include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "../../../live-modules/network"
}

inputs = {
  prefix        = "platform-prod"
  address_space = ["10.20.0.0/16"]
  subnets = {
    aks       = { address_prefixes = ["10.20.0.0/22"] }
    endpoints = { address_prefixes = ["10.20.8.0/24"] }
  }
}
