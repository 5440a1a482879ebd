output "zone_id" {
  value = azurerm_dns_zone.main.id
}

output "name_servers" {
  description = "Delegate the zone to these from the parent zone"
  value       = azurerm_dns_zone.main.name_servers
}
