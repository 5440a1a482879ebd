include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "../../../live-modules/cluster"
}

dependency "network" {
  config_path = "../network"

  mock_outputs = {
    resource_group_name = "rg-platform-prod"
    subnet_ids = {
      aks = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-platform-prod/providers/Microsoft.Network/virtualNetworks/vnet-platform-prod/subnets/snet-aks"
    }
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  cluster_name        = "aks-platform-prod"
  resource_group_name = dependency.network.outputs.resource_group_name
  subnet_id           = dependency.network.outputs.subnet_ids["aks"]
  kubernetes_version  = "1.30"
  system_node_count   = 2
  user_node_pools = {
    obs = {
      vm_size    = "Standard_D4ads_v5"
      node_count = 2
      taints     = ["observability=true:NoSchedule"]
    }
  }
}
