// matcher's own scripts. No inline scripts anywhere: the Content-Security-Policy forbids them.
"use strict";
