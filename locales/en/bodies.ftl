## Guardianship and trusteeship bodies (service providers): names, addresses, button labels.
## Codes come from flows/data/bodies.json. body-<code>-short: a button label, at most 20 characters.

## Regions

region-astana = Astana
region-almaty = Almaty
region-shymkent = Shymkent
region-kostanay = Kostanay region

## Astana

body-astana-edu = Education Administration of Astana City
body-astana-edu-short = Astana
body-astana-edu-address = 11 Beibitshilik St, Astana 010000

## Almaty

body-almaty-edu = Education Administration of Almaty City
body-almaty-edu-short = Almaty
body-almaty-edu-address = Almaty 050000

## Shymkent

body-shymkent-edu = Education Administration of Shymkent City
body-shymkent-edu-short = Shymkent
body-shymkent-edu-address = Shymkent 160000

## Kostanay region

body-kst-kostanay-city = Department of Education of Kostanay City, Education Administration of the Akimat of Kostanay Region
body-kst-kostanay-city-short = Kostanay city
body-kst-kostanay-city-address = Kostanay 110000, Kostanay region

body-kst-rudny = Department of Education of Rudny City, Education Administration of the Akimat of Kostanay Region
body-kst-rudny-short = Rudny
body-kst-rudny-address = Rudny, Kostanay region

body-kst-lisakovsk = Department of Education of Lisakovsk City, Education Administration of the Akimat of Kostanay Region
body-kst-lisakovsk-short = Lisakovsk
body-kst-lisakovsk-address = Lisakovsk, Kostanay region

body-kst-arkalyk = Department of Education of Arkalyk City, Education Administration of the Akimat of Kostanay Region
body-kst-arkalyk-short = Arkalyk
body-kst-arkalyk-address = Arkalyk, Kostanay region

body-kst-altynsarin = Department of Education of Altynsarin District, Education Administration of the Akimat of Kostanay Region
body-kst-altynsarin-short = Altynsarin district
body-kst-altynsarin-address = Ubaganskoye, Altynsarin district, Kostanay region

body-kst-amangeldy = Department of Education of Amangeldy District, Education Administration of the Akimat of Kostanay Region
body-kst-amangeldy-short = Amangeldy district
body-kst-amangeldy-address = Amangeldy village, Amangeldy district, Kostanay region

body-kst-auliekol = Department of Education of Auliekol District, Education Administration of the Akimat of Kostanay Region
body-kst-auliekol-short = Auliekol district
body-kst-auliekol-address = Auliekol village, Auliekol district, Kostanay region

body-kst-beimbet-mailin = Department of Education of Beimbet Mailin District, Education Administration of the Akimat of Kostanay Region
body-kst-beimbet-mailin-short = B. Mailin district
body-kst-beimbet-mailin-address = Aiet village, Beimbet Mailin district, Kostanay region

body-kst-denisov = Department of Education of Denisov District, Education Administration of the Akimat of Kostanay Region
body-kst-denisov-short = Denisov district
body-kst-denisov-address = Denisovka village, Denisov district, Kostanay region

body-kst-zhangeldi = Department of Education of Zhangeldi District, Education Administration of the Akimat of Kostanay Region
body-kst-zhangeldi-short = Zhangeldi district
body-kst-zhangeldi-address = Torgai village, Zhangeldi district, Kostanay region

body-kst-zhitikara = Department of Education of Zhitikara District, Education Administration of the Akimat of Kostanay Region
body-kst-zhitikara-short = Zhitikara district
body-kst-zhitikara-address = Zhitikara town, Zhitikara district, Kostanay region

body-kst-kamysty = Department of Education of Kamysty District, Education Administration of the Akimat of Kostanay Region
body-kst-kamysty-short = Kamysty district
body-kst-kamysty-address = Kamysty village, Kamysty district, Kostanay region

body-kst-karabalyk = Department of Education of Karabalyk District, Education Administration of the Akimat of Kostanay Region
body-kst-karabalyk-short = Karabalyk district
body-kst-karabalyk-address = Karabalyk settlement, Karabalyk district, Kostanay region

body-kst-karasu = Department of Education of Karasu District, Education Administration of the Akimat of Kostanay Region
body-kst-karasu-short = Karasu district
body-kst-karasu-address = Karasu village, Karasu district, Kostanay region

body-kst-kostanay-dist = Department of Education of Kostanay District, Education Administration of the Akimat of Kostanay Region
body-kst-kostanay-dist-short = Kostanay district
body-kst-kostanay-dist-address = Tobyl 111100, Kostanay district, Kostanay region

body-kst-mendykara = Department of Education of Mendykara District, Education Administration of the Akimat of Kostanay Region
body-kst-mendykara-short = Mendykara district
body-kst-mendykara-address = Borovskoy village, Mendykara district, Kostanay region

body-kst-naurzum = Department of Education of Naurzum District, Education Administration of the Akimat of Kostanay Region
body-kst-naurzum-short = Naurzum district
body-kst-naurzum-address = Karamendy village, Naurzum district, Kostanay region

body-kst-sarykol = Department of Education of Sarykol District, Education Administration of the Akimat of Kostanay Region
body-kst-sarykol-short = Sarykol district
body-kst-sarykol-address = Sarykol settlement, Sarykol district, Kostanay region

body-kst-uzunkol = Department of Education of Uzunkol District, Education Administration of the Akimat of Kostanay Region
body-kst-uzunkol-short = Uzunkol district
body-kst-uzunkol-address = Uzunkol village, Uzunkol district, Kostanay region

body-kst-fyodorov = Department of Education of Fyodorov District, Education Administration of the Akimat of Kostanay Region
body-kst-fyodorov-short = Fyodorov district
body-kst-fyodorov-address = Fyodorovka village, Fyodorov district, Kostanay region
