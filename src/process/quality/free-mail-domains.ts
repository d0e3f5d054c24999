/**
 * Free-mail and consumer mailbox domains, rejected by BUSINESS_EMAIL for companies'
 * contacts. Kept here as data: the npm package `free-email-domains` (the usual maintained
 * source) cannot be installed offline in this build, so this is a curated subset of it —
 * the providers that account for nearly all consumer addresses seen in CRMs. A rule can add
 * more through its `domains` param without a release.
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'yahoo.it', 'yahoo.co.jp', 'yahoo.com.br',
  'ymail.com', 'rocketmail.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'hotmail.it', 'hotmail.es', 'outlook.com',
  'outlook.de', 'outlook.fr', 'live.com', 'live.co.uk', 'live.de', 'live.fr', 'msn.com', 'passport.com', 'aol.com', 'aim.com',
  'icloud.com', 'me.com', 'mac.com', 'protonmail.com', 'proton.me', 'pm.me', 'tutanota.com', 'tuta.io', 'zoho.com', 'zohomail.com',
  'mail.com', 'email.com', 'usa.com', 'gmx.com', 'gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch', 'web.de', 't-online.de', 'freenet.de',
  'posteo.de', 'mailbox.org', 'yandex.com', 'yandex.ru', 'ya.ru', 'mail.ru', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru',
  'qq.com', '163.com', '126.com', 'sina.com', 'sohu.com', 'yeah.net', 'naver.com', 'hanmail.net', 'daum.net', 'rediffmail.com',
  'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'libero.it', 'virgilio.it', 'tiscali.it', 'alice.it',
  'btinternet.com', 'sky.com', 'virginmedia.com', 'ntlworld.com', 'talktalk.net', 'comcast.net', 'verizon.net', 'att.net',
  'sbcglobal.net', 'bellsouth.net', 'cox.net', 'charter.net', 'earthlink.net', 'optonline.net', 'shaw.ca', 'rogers.com',
  'sympatico.ca', 'bigpond.com', 'optusnet.com.au', 'xtra.co.nz', 'uol.com.br', 'bol.com.br', 'terra.com.br', 'hushmail.com',
  'fastmail.com', 'fastmail.fm', 'inbox.com', 'lycos.com', 'excite.com', 'juno.com', 'netzero.net', 'seznam.cz', 'wp.pl', 'o2.pl',
  'interia.pl', 'onet.pl', 'bluewin.ch', 'telenet.be', 'skynet.be', 'ziggo.nl', 'kpnmail.nl', 'planet.nl',
]);
