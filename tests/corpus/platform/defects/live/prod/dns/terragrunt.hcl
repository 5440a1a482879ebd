include "root" {
  path = find_in_parent_folders("root.hcl")
}

terraform {
  source = "../../../live-modules/dns"
}

dependency "cluster" {
  config_path = "../aks"

  mock_outputs = {
    ingress_ip_address = "203.0.113.10"
  }
  mock_outputs_allowed_terraform_commands = ["init", "validate", "plan"]
}

inputs = {
  zone_name          = "prod.platform.kevinryan.io"
  ingress_ip_address = dependency.cluster.outputs.ingress_ip_address
  records            = ["grafana", "alertmanager", "flux-webhook"]
}
