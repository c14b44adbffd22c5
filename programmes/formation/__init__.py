"""The formation of export consortia the agency's way (SODERCAN, seed 002): services, selectors and
the admin. A formation creates a consortium (consortia): a downward import. The models are in
programmes.models.formation; what follows the consortium's establishment is consortia.follow_up."""
