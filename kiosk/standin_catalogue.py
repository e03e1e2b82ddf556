"""French for the web app's English msgids, until they move into the shared catalogue (claims/locale)."""

from __future__ import annotations

# French puts a no-break space (U+00A0) before « : ; ? ! », so a colon never starts a line.
FRENCH: dict[str, str] = {
    "Status:": "Statut\u00a0:",
    "Awarded to": "Décerné à",
    "Awarded to %(name)s": "Décerné à %(name)s",
    "Issuer": "Émetteur",
    "Event": "Événement",
    "Issued on": "Délivré le",
    "Valid until": "Valable jusqu'au",
    "Revoked on": "Révoqué le",
    "Description": "Description",
    "Criteria": "Critères",
    "Check it": "Le vérifier",
    "The badge image (with its proof inside)": "L'image du badge (avec sa preuve à l'intérieur)",
    "Open Badges 2.0 assertion": "Assertion Open Badges 2.0",
    "Open Badges 3.0 credential": "Attestation Open Badges 3.0",
    "Skip to content": "Aller au contenu",
    "Open Badges": "Open Badges",
    "Privacy": "Confidentialité",
    "Get your badge: %(badge)s": "Recevez votre badge\u00a0: %(badge)s",
    "Issued by %(issuer)s": "Délivré par %(issuer)s",
    "Your name": "Votre nom",
    "(optional)": "(facultatif)",
    "Shown on your badge's public page.": "Affiché sur la page publique de votre badge.",
    "Your e-mail": "Votre e-mail",
    "We send the badge to this address, and your backpack recognises you by it.":
        "Nous vous envoyons le badge à cette adresse, et votre sac à badges vous reconnaît grâce à elle.",
    "Your backpack recognises you by it.": "Votre sac à badges vous reconnaît grâce à cette adresse.",
    "We keep your name and e-mail only to issue this badge; the badge itself holds a scrambled form of the "
    "e-mail, never the address.":
        "Nous gardons votre nom et votre e-mail uniquement pour délivrer ce badge\u00a0; le badge contient une "
        "forme brouillée de l'e-mail, jamais l'adresse elle-même.",
    "Get my badge": "Recevoir mon badge",
    "Prefer Telegram?": "Vous préférez Telegram\u00a0?",
    "Open in Telegram": "Ouvrir dans Telegram",
    "What we keep, and why": "Ce que nous gardons, et pourquoi",
    "When you claim a badge": "Quand vous recevez un badge",
    "Your name, if you give it: it is shown on your badge's public page.":
        "Votre nom, si vous le donnez\u00a0: il est affiché sur la page publique de votre badge.",
    "Your e-mail address, if you give it: to send you the badge and to recognise you if you claim it again. "
    "It is never shown: the badge holds a salted, scrambled form of it (a hash), which only someone who "
    "already knows the address can match.":
        "Votre adresse e-mail, si vous la donnez\u00a0: pour vous envoyer le badge et vous reconnaître si vous "
        "le demandez à nouveau. Elle n'est jamais affichée\u00a0: le badge en contient une forme salée et "
        "brouillée (une empreinte), que seule une personne connaissant déjà l'adresse peut rapprocher.",
    "Your Telegram account number, if you claim through Telegram: to send you the badge there.":
        "Votre numéro de compte Telegram, si vous passez par Telegram\u00a0: pour vous y envoyer le badge.",
    "The code you used and the date: they are part of the badge.":
        "Le code utilisé et la date\u00a0: ils font partie du badge.",
    "What we do not keep": "Ce que nous ne gardons pas",
    "No tracking and no advertising: pages load nothing from other sites.":
        "Ni pistage ni publicité\u00a0: les pages ne chargent rien depuis d'autres sites.",
    "Your network address is not stored. After a wrong code, a keyed fingerprint of it is kept for ten "
    "minutes to stop code guessing.":
        "Votre adresse réseau n'est pas enregistrée. Après un code erroné, une empreinte chiffrée en est "
        "gardée dix minutes, pour empêcher de deviner des codes.",
    "Cookies": "Cookies",
    "One remembers the language you chose; another protects the claim form against forgery. Neither "
    "follows you anywhere else.":
        "L'un retient la langue choisie\u00a0; l'autre protège le formulaire contre la falsification. "
        "Aucun ne vous suit ailleurs.",
    "Your rights": "Vos droits",
    "Ask the event's organiser to see or erase your data. Erasing removes your name, e-mail and Telegram "
    "number; the badge itself stays verifiable.":
        "Demandez à l'organisateur de l'événement de consulter ou d'effacer vos données. L'effacement retire "
        "votre nom, votre e-mail et votre numéro Telegram\u00a0; le badge reste vérifiable.",
    "The code printed on your card": "Le code imprimé sur votre carte",
    "For example 7KQM3-XTPW9-RDHJ2. Dashes and case do not matter.":
        "Par exemple 7KQM3-XTPW9-RDHJ2. Tirets, majuscules et minuscules n'ont pas d'importance.",
    "Continue": "Continuer",
    "Your badge: %(badge)s": "Votre badge\u00a0: %(badge)s",
    "Your badge is ready": "Votre badge est prêt",
    "Badge: %(badge)s": "Badge\u00a0: %(badge)s",
    "We are also sending it to the e-mail address you gave.":
        "Nous vous l'envoyons aussi à l'adresse e-mail donnée.",
    "Download my badge": "Télécharger mon badge",
    "Keep it in a backpack or a wallet": "Le garder dans un sac à badges ou un portefeuille",
    "Download the image: it is your badge, with its proof written inside.":
        "Téléchargez l'image\u00a0: c'est votre badge, avec sa preuve inscrite à l'intérieur.",
    "In your Open Badges backpack (Open Badges 2.0) or wallet (Open Badges 3.0), choose to add a badge and "
    "give it the image, or this link:":
        "Dans votre sac à badges (Open Badges 2.0) ou votre portefeuille (Open Badges 3.0), choisissez "
        "d'ajouter un badge et donnez-lui l'image, ou ce lien\u00a0:",
    "Link to your badge": "Lien vers votre badge",
    "Copy the link": "Copier le lien",
    "See the public page of this badge": "Voir la page publique de ce badge",
    "Check the code": "Vérifiez le code",
    "Scan the screen again": "Scannez de nouveau l'écran",
    "Ask the organiser: they can give you another code.":
        "Demandez à l'organisateur\u00a0: il peut vous donner un autre code.",
    "If it still does not work, ask the organiser for help.":
        "Si cela ne fonctionne toujours pas, demandez de l'aide à l'organisateur.",
    "Scan the QR code shown on the screen right now.": "Scannez le QR code affiché à l'écran en ce moment.",
    "Code already used": "Code déjà utilisé",
    "Code no longer valid": "Code plus valable",
    "Not open yet": "Pas encore ouvert",
    "Please wait a moment": "Patientez un instant",
    "If you have already received this badge, it is in your downloads or your e-mail.":
        "Si vous avez déjà reçu ce badge, il est dans vos téléchargements ou vos e-mails.",
    "Come back then, or ask the organiser.": "Revenez à ce moment-là, ou demandez à l'organisateur.",
    "Then try again with the code on your card.": "Puis réessayez avec le code de votre carte.",
    "Get your badge": "Recevez votre badge",
    "Type the code printed on your card.": "Tapez le code imprimé sur votre carte.",
    "Please send the form again": "Merci de renvoyer le formulaire",
    "This form has expired. Reload the page and send it again.":
        "Ce formulaire a expiré. Rechargez la page et envoyez-le de nouveau.",
    "Back to the form": "Retour au formulaire",
    "Not found": "Introuvable",
    "Sorry": "Désolé",
    "The request could not be read.": "La demande n'a pas pu être lue.",
    "Nothing lives at this address. Check the link, or scan the code again.":
        "Il n'y a rien à cette adresse. Vérifiez le lien, ou scannez de nouveau le code.",
    "This address does not take that kind of request.": "Cette adresse n'accepte pas ce type de demande.",
    "What was sent is too large.": "L'envoi est trop volumineux.",
    "Send the request as JSON (Content-Type: application/json).":
        "Envoyez la demande en JSON (Content-Type: application/json).",
    "Something went wrong on our side. Try again in a moment.":
        "Un problème est survenu de notre côté. Réessayez dans un instant.",
    "The service is not available right now. Try again in a moment.":
        "Le service n'est pas disponible pour le moment. Réessayez dans un instant.",
    "Something is not right": "Quelque chose ne va pas",
    "Valid": "Valable",
    "Expired": "Expiré",
    "Revoked by the issuer": "Révoqué par l'émetteur",
    "Type another code": "Saisir un autre code",
    "%(day)s, %(start)s–%(end)s": "%(day)s, de %(start)s à %(end)s",
    "%(first)s to %(last)s": "du %(first)s au %(last)s",
}
