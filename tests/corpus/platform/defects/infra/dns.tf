data "azurerm_dns_zone" "public" {
  provider            = azurerm.connectivity
  name                = var.dns_zone_name
  resource_group_name = var.dns_zone_resource_group_name
}

# node1.k3s.<zone>, node2.k3s.<zone>: one A record per node public IP.
resource "azurerm_dns_a_record" "node" {
  provider            = azurerm.connectivity
  for_each            = module.network.public_ip_addresses
  name                = "${each.key}.k3s"
  zone_name           = data.azurerm_dns_zone.public.name
  resource_group_name = data.azurerm_dns_zone.public.resource_group_name
  ttl                 = 300
  records             = [each.value]
  tags                = local.tags
}
