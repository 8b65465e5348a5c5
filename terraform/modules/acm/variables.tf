variable "domain_name" {
  description = "Apex of the site, e.g. spymeo.fr; the certificate also covers www.<domain_name>."
  type        = string
}

variable "zone_id" {
  description = "Route53 hosted zone holding domain_name (validation records go there)."
  type        = string
}
