"""The country: municipalities and today's regions, synthetic or Dutch, and the catchments a scheme makes of them."""
