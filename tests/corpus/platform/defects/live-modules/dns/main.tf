resource "azurerm_resource_group" "dns" {
  name     = "rg-dns-${replace(var.zone_name, ".", "-")}"
  location = var.location
  tags     = var.tags
}

resource "azurerm_dns_zone" "main" {
  name                = var.zone_name
  resource_group_name = azurerm_resource_group.dns.name
  tags                = var.tags
}

resource "azurerm_dns_a_record" "ingress" {
  for_each            = toset(var.records)
  name                = each.key
  zone_name           = azurerm_dns_zone.main.name
  resource_group_name = azurerm_resource_group.dns.name
  ttl                 = 300
  records             = [var.ingress_ip_address]
}

resource "azurerm_dns_a_record" "apex" {
  count               = var.create_apex_record ? 1 : 0
  name                = "@"
  zone_name           = azurerm_dns_zone.main.name
  resource_group_name = azurerm_resource_group.dns.name
  ttl                 = 300
  records             = [var.ingress_ip_address]
}
