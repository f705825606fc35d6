"""Trial-activity landscape: counts and shares of CAR trials by country, year, target, disease…"""
