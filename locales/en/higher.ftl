## Higher administrative bodies (seed 004 p. 13): where a complaint goes next. Codes from
## flows/data/bodies.json (higher_bodies). The seeds do not say which body is higher: this is
## data the body confirms. English names are translations of seed 003 p. 1 and p. 9.

higher-kst-child-rights = Department for the Protection of Children's Rights of the Akimat of Kostanay Region
higher-kst-child-rights-address = 110000, Kostanay region, Kostanay, 75 Gogol street
