output "resource_group_name" {
  description = "Resource group holding the platform"
  value       = module.network.resource_group_name
}

output "node1_public_ip" {
  description = "Public IP address of node1 (K3s server)"
  value       = module.network.public_ip_addresses["node1"]
}

output "node2_public_ip" {
  description = "Public IP address of node2 (K3s agent)"
  value       = module.network.public_ip_addresses["node2"]
}

output "node1_private_ip" {
  description = "Private IP of node1; agents join the cluster on it"
  value       = module.node1.private_ip_address
}

output "node_fqdns" {
  description = "DNS names of the nodes"
  value       = { for name, record in azurerm_dns_a_record.node : name => record.fqdn }
}

output "key_vault_uri" {
  description = "Key Vault URI for the External Secrets ClusterSecretStore"
  value       = module.keyvault.key_vault_uri
}
