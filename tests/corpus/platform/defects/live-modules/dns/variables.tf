variable "zone_name" {
  description = "Public zone delegated to Azure DNS"
  type        = string
}

variable "location" {
  type = string
}

variable "ingress_ip_address" {
  description = "Address every record points at"
  type        = string
}

variable "records" {
  description = "Host names under the zone, all served by the cluster ingress"
  type        = list(string)
  default     = []
}

variable "create_apex_record" {
  type    = bool
  default = true
}

variable "ttl" {
  type    = number
  default = 300
}

variable "tags" {
  type    = map(string)
  default = {}
}
