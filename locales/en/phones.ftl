## Phones: service 2 takes numbers of other countries too (E.164), service 1 Kazakhstan numbers only.

ask-phone-anywhere = Your phone number. If you live abroad, write it with the country code, for example: +49 151 12345678
error-phone-format-anywhere = This does not look like a phone number. A Kazakhstan number: +7 701 123 45 67 or 8 701 123 45 67; a number of another country with "+" and the country code, for example: +49 151 12345678
error-phone-foreign = This is a number of another country ({$country}). For this service the bot takes only a Kazakhstan phone number, for example: +7 701 123 45 67 or 8 701 123 45 67
summary-phone-abroad = {$phone} ({$country})
