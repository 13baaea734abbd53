"""Files made for a person from what the services read: the .ics calendar, the /mydata JSON.

Presentation, like the texts it uses: it may import bot.texts and the services' frozen
results, never telegram; the handlers send what it makes.
"""
