"""English building blocks for demo feedback texts (same topics and slots as the German ones:
``{P}`` product, ``{is}``/``{has}`` agreeing verb, ``{it}``/``{It}`` pronoun, ``{d}``, ``{w}``, ``{x}``, ``{store}``,
``{staff}``, ``{courier}``, ``{amount}``, ``{order}``, ``{very}``)."""

from __future__ import annotations

BLOCKS: dict[str, dict[str, list[str]]] = {
    "delivery": {
        "pos": ["Delivered a day early, great communication.", "Delivery was {very} fast, everything arrived within {x} days.", "Ordered on Sunday, arrived on Tuesday.",
                "Shipping was quick and the parcel was well packed.", "Arrived on time, tracking worked fine.",
                "Surprisingly fast delivery, even to the UK.", "Everything arrived complete and in good shape."],
        "neg": ["The courier left the parcel in the rain outside my door.", "Delivery took {d} days although 2-3 were promised.", "My parcel has been stuck for {d} days and tracking shows nothing.",
                "Delivery took forever.", "Still waiting for my order after {d} days, {very} frustrating.",
                "The parcel arrived damaged, box torn open.", "Tracking says delivered but nothing arrived here.",
                "Needed {P} for the weekend trip, it came {d} days late.", "Delivery was rescheduled three times without explanation.",
                "No information at all about why shipping is delayed."],
        "neu": ["Delivery arrived as announced.", "Delivery ok."],
        "short_pos": ["Fast delivery!", "Super quick shipping"],
        "short_neg": ["Delivery late", "Parcel never arrived", "Where is my order?", "Package damaged"],
    },
    "product_quality": {
        "pos": ["Light but sturdy, exactly what I was looking for.", "Survived a week in the Dolomites without a scratch.", "{P} {is} {very} well made.", "I've taken {P} on several hikes now and I'm {very} happy.",
                "[jackets,boots,tents,backpacks]Great quality, {it} survived a full day of rain.", "{P} {is} worth every penny.",
                "After {x} weeks of heavy use {it} still look{s} brand new.", "Solid materials and stitching, feels built to last."],
        "neg": ["The colour faded after two washes.", "{P} broke after just {x} weeks.", "[jackets,backpacks,tents,boots,bike]The seam came apart on the second trip.",
                "[jackets,backpacks,tents]The zip keeps getting stuck, not acceptable at this price.", "[jackets,boots,tents,backpacks]{P} {is} not waterproof even though it's advertised as such.",
                "Quality has gone {very} downhill compared to a few years ago.", "[backpacks,climbing,bike,boots]A buckle snapped on the first outing.",
                "[boots]The sole started peeling off after {x} weeks.", "Feels cheap, not what I expected."],
        "neu": ["{P} {is} fine, nothing special.", "Quality is ok for the price."],
        "short_pos": ["Great quality!", "Excellent product", "Love it"],
        "short_neg": ["Poor quality", "Broke after 2 weeks", "Not waterproof"],
    },
    "price_value": {
        "pos": ["Great value for money.", "Fair prices, especially with the club discount.", "Got {P} in the sale, a real bargain.",
                "Cheaper than elsewhere and still good quality."],
        "neg": ["{amount} for {P} is just too much.", "Two weeks after I bought it the price dropped by 30%.",
                "Shipping costs are way too high.", "Overpriced for what you get.", "The newsletter discount code didn't work."],
        "neu": ["Prices are what you'd expect."],
        "short_pos": ["Good value"], "short_neg": ["Way too expensive", "Overpriced"],
    },
    "customer_service": {
        "pos": ["The lady on the hotline was incredibly kind and sorted it right away.", "Customer service was {very} friendly and sorted it out right away.", "{staff} from customer service was {very} helpful, thank you!",
                "Got a helpful answer to my email the same day.", "The chat agent solved my issue in {x} minutes.",
                "Very accommodating, they sent a replacement without any hassle."],
        "neg": ["I got three different answers to the same question.", "Customer service is impossible to reach, I was on hold for {x}0 minutes.", "No reply to my email after {d} days.",
                "The agent on the phone was rude and {very} dismissive.", "The chat only gives canned answers, no real help.",
                "I was promised a call back that never came.", "My complaint was simply ignored.",
                "They closed my ticket even though nothing was solved."],
        "neu": ["Called customer service, they logged my request."],
        "short_pos": ["Great service!", "Helpful support"], "short_neg": ["Terrible service", "No answer from support"],
    },
    "returns_refunds": {
        "pos": ["The return was {very} easy, print the label and done.", "Refund arrived within {x} days.",
                "Exchange in the {store} store was no problem at all."],
        "neg": ["The refund came but without the shipping costs.", "I've been waiting {d} days for my refund.", "They claim my return never arrived although I have the receipt.",
                "I had to pay return postage myself, that wasn't mentioned anywhere.", "The returns portal didn't work.",
                "I only got a voucher instead of my money back.", "Return rejected because the tag was removed, ridiculous.",
                "Sent {P} back {w} weeks ago and still no refund.", "The refund process is {very} confusing."],
        "neu": ["Return is on its way."],
        "short_pos": ["Easy returns"], "short_neg": ["Still no refund", "Return nightmare", "Where is my money?"],
    },
    "website_app": {
        "pos": ["The app is clear and the filters work well.", "Easy to find what you need in the web shop.",
                "Product descriptions are detailed and helpful.", "The new app version is much smoother."],
        "neg": ["The app keeps logging me out.", "The app keeps crashing at checkout.", "App checkout freezes at the last step every time.",
                "The website is {very} slow on mobile.", "Search doesn't even find products you sell.",
                "My cart in the app just emptied itself.", "After the update the app doesn't load at all."],
        "neu": ["App works, mostly."],
        "short_pos": ["Great app", "Easy to use"], "short_neg": ["App crashes", "Checkout broken", "Useless app"],
    },
    "payment_billing": {
        "pos": ["Paying with PayPal was smooth.", "The invoice was correct and came by email right away."],
        "neg": ["Payment failed {x} times although my card works everywhere else.", "I was charged twice.",
                "The invoice is wrong, I was charged {amount} too much.", "The app always says \"payment failed\".",
                "Got a payment reminder although I paid weeks ago."],
        "neu": ["Paid by credit card."],
        "short_pos": ["Easy payment"], "short_neg": ["Payment failed!", "Charged twice"],
    },
    "availability": {
        "pos": ["Everything was in stock, even my odd size.", "Click & collect worked perfectly."],
        "neg": ["{P} has been sold out for weeks.", "Website said in stock, store had nothing.",
                "My size is never available.", "After ordering I was told {P} {is} out of stock after all."],
        "neu": ["Part of the order comes later."],
        "short_pos": ["Great selection"], "short_neg": ["Always sold out"],
    },
    "advice_staff": {
        "pos": ["They let me try on five pairs of boots without any pressure.", "Really honest advice, never felt pushed.", "The advice in the {store} store was {very} knowledgeable.", "{staff} took a lot of time and gave me great advice.",
                "Staff really know their stuff, you can tell they're out in the mountains themselves.",
                "Honest advice, they even recommended the cheaper model.", "Friendly and expert staff, exactly how it should be."],
        "neg": ["Nobody in the store seemed to care.", "The sales guy clearly knew nothing about climbing gear.",
                "The advice felt like an upsell to the most expensive model."],
        "neu": ["Got some advice in the store."],
        "short_pos": ["Great advice!", "Lovely staff"], "short_neg": ["Unhelpful staff"],
    },
    "store_experience": {
        "pos": ["The {store} store is beautiful, you can test boots on the ramp.", "Shopping in the {store} store is fun.",
                "Relaxed atmosphere in the shop."],
        "neg": ["Queued for {x}0 minutes at the till in {store}, only one open.", "The shop was messy and the changing rooms dirty."],
        "neu": ["Visited the {store} store."],
        "short_pos": ["Lovely shop"], "short_neg": ["Long queues"],
    },
    "sizing_fit": {
        "pos": ["[jackets,boots,bike,climbing]Fits perfectly, the size chart is spot on.", "[jackets,boots,backpacks,bike,climbing]{P} {is} comfortable and fit{s} like a glove."],
        "neg": ["[jackets,boots,bike,climbing]{P} run{s} at least one size small.", "The size chart is completely off, had to exchange twice.",
                "[jackets]Sleeves are way too short.", "[boots]Blisters on both heels after {x} hours of hiking."],
        "neu": ["Fits ok-ish."],
        "short_pos": ["Perfect fit"], "short_neg": ["Runs small", "Wrong size"],
    },
    "sustainability": {
        "pos": ["Love that you offer repairs instead of just selling new stuff.", "Plastic-free packaging, thank you!"],
        "neg": ["Why is {P} wrapped in so much plastic?", "A tiny order in a huge box, not very sustainable.",
                "Four items in four separate parcels, environmentally a joke."],
        "neu": ["Where is {P} produced?"],
        "short_pos": ["Sustainable and good"], "short_neg": ["Too much packaging"],
    },
}

OPEN = {
    "pos": ["Really happy overall.", "In short:", "Hi team,", "Long-time customer here.", "Wow.", "Have to say:"],
    "neg": ["Sadly I have to complain.", "{Very} disappointed.", "Not acceptable.", "Hello,", "What is going on?",
            "Dear Sir or Madam,", "Annoying."],
    "mix": ["Mixed feelings.", "Hi,", "Mostly happy, but…", "Quick feedback:"],
    "neu": ["Hi,", "FYI:"],
}
CLOSE = {
    "pos": ["Will buy again!", "Highly recommended.", "Keep it up!", "Thanks!", "Five stars."],
    "neg": ["This is how you lose customers.", "Never again.", "Please fix this.", "I expect a reply.", "Shame.",
            "Kind regards"],
    "mix": ["Overall ok.", "Room for improvement.", "We'll see if I order again."],
    "neu": ["Thanks.", "Cheers"],
}
CONTRAST = ["but", "however", "though", "unfortunately"]
INTENS = {"pos": ["", "", "really", "super", "very", "absolutely"], "neg": ["", "", "really", "very", "extremely", "pretty"]}
HEDGES = ["Honestly", "To be fair", "Well", "I must say"]
GENERIC = {
    "pos": ["All good.", "Great!", "Super happy.", "Everything perfect.", "Love it!", "Brilliant."],
    "neg": ["Disappointing.", "Never again.", "Awful.", "Very unhappy."],
    "neu": ["Ok.", "Fine.", "Average.", "Nothing to complain about."],
}
PII = {
    "PHONE": ["You can reach me at {phone}.", "Please call me back: {phone}"],
    "EMAIL": ["Please reply to {email}.", "My email: {email}"],
    "ORDER": ["Order number {order}.", "(order {order})"],
    "NAME": ["Best, {name}", "My name is {name}."],
}
CALL_PREFIX = ["Customer calls: ", "Call note: ", ""]
EMOJI = {"pos": ["👍", "😊", "🙌", "⛰️", "💯"], "neg": ["😡", "👎", "🙄", "😤"], "neu": [""]}
LOWER_STARTS = {"the", "my", "i'm", "it", "everything", "a", "after", "got", "shipping", "delivery", "still", "two",
                "they", "we", "our", "this", "there", "no", "nobody", "sent", "paying", "payment", "customer",
                "staff", "shopping", "sleeves", "blisters", "fits", "love", "why", "four", "search", "easy", "quality",
                "great", "solid", "feels", "honest", "friendly", "needed", "tracking", "refund", "exchange", "return",
                "website", "app", "product", "prices", "fair", "cheaper", "overpriced", "ordered", "arrived", "surprisingly"}
