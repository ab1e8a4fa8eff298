"""Small, realistic Swedish test data: a slice of a municipal taxonomy and a few articles."""

from knowledge_base import LabelText

WASTE_MISSED = 10
WASTE_DAYS = 11
WASTE_BIN = 12
RECYCLING_HOURS = 13
PRESCHOOL_QUEUE = 20
PRESCHOOL_FEE = 21
BUILDING_PERMIT = 30
BUILDING_STATUS = 31
SNOW_FAULT = 40
SNOW_INFO = 41
STREET_LIGHT = 42
PARKING_RULES = 43
WATER_LEAK = 50
HOME_CARE = 60
FINANCIAL_AID = 70

LABELS = [
    LabelText(WASTE_MISSED, "Avfall › Sophämtning › Utebliven",
              ("tunnan inte tömd", "soporna står kvar", "glömt tömma")),
    LabelText(WASTE_DAYS, "Avfall › Sophämtning › Hämtningsdagar",
              ("när hämtas soporna", "tömningsdag", "sopschema")),
    LabelText(WASTE_BIN, "Avfall › Kärl › Trasigt kärl",
              ("trasig tunna", "locket sönder", "hjulet lossnat")),
    LabelText(RECYCLING_HOURS, "Avfall › Sortergård › Öppettider",
              ("återvinningscentral", "ÅVC")),
    LabelText(PRESCHOOL_QUEUE, "Förskola › Kö › Köplats",
              ("kön", "köplats", "plats i förskolan"),
              "Personnummer för vårdnadshavare och barn."),
    LabelText(PRESCHOOL_FEE, "Förskola › Avgift › Maxtaxa",
              ("maxtaxa", "faktura förskola")),
    LabelText(BUILDING_PERMIT, "Bygglov › Bygglov › Behöver jag bygglov",
              ("bygglov", "bygga altan", "friggebod", "attefall")),
    LabelText(BUILDING_STATUS, "Bygglov › Bygglov › Status för ärende",
              ("handläggningstid", "hur går det med mitt ärende")),
    LabelText(SNOW_FAULT, "Gata/Park › Snöröjning › Felanmälan",
              ("inte plogat", "snövall", "isigt")),
    LabelText(SNOW_INFO, "Gata/Park › Snöröjning › Information",
              ("när plogas", "sandning"), "Plogordning och prioriterade gator."),
    LabelText(STREET_LIGHT, "Gata/Park › Gatubelysning › Felanmälan",
              ("lyktstolpe", "mörkt på gatan")),
    LabelText(PARKING_RULES, "Gata/Park › Parkering › Parkeringsregler",
              ("parkera", "p-skiva", "får jag stå")),
    LabelText(WATER_LEAK, "Vatten och avlopp › Vattenläcka › Felanmälan",
              ("vatten sprutar", "inget vatten", "rörbrott")),
    LabelText(HOME_CARE, "Äldreomsorg › Hemtjänst › Information",
              ("hjälp hemma", "mamma klarar sig inte")),
    LabelText(FINANCIAL_AID, "Socialtjänst › Ekonomiskt bistånd › Ansökan",
              ("pengar till hyran",)),
]

ARTICLES = {
    1: {"title": "Ansöka om bygglov",
        "answer": "Ansökan görs i e-tjänsten. Bifoga situationsplan och ritningar.",
        "body": "En bygglovsansökan handläggs inom tio veckor från komplett ansökan."},
    2: {"title": "Plats i förskola",
        "answer": "Ställ barnet i kö senast fyra månader innan platsen behövs.",
        "body": "Förskoleplatsen erbjuds i första hand nära hemmet."},
    3: {"title": "Återvinningscentralens öppettider",
        "answer": "Vardagar 7–19, helger 9–16.",
        "body": "Här lämnar du grovavfall, elavfall och farligt avfall."},
    4: {"title": "Utebliven avfallshämtning",
        "answer": "Om avfallskärlet inte tömts: registrera en felanmälan, hämtning inom två dagar.",
        "body": "Kontrollera att kärlet stod vid tomtgränsen med handtaget utåt."},
    5: {"title": "Parkering på gatan",
        "answer": "Parkeringsplatser på gatan får användas i högst 24 timmar.",
        "body": "Boendeparkering kräver boendekort."},
    6: {"title": "Fritidshem",
        "answer": "Fritidshemmet är öppet före och efter skoltid för barn 6–12 år.",
        "body": "Ansök om plats i fritidshem i e-tjänsten."},
    7: {"title": "Sommarlov och höstlov",
        "answer": "Skolornas lov finns i läsårskalendern.",
        "body": "Under loven har fritidshemmen öppet för inskrivna barn."},
}
