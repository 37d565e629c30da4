// libfcgi's request-level API. Not fcgi_stdio.h, which redefines stdio for the whole program.
// No `link` in the module map: the FCGIApp target links libfcgi.a statically (see Package.swift).
#include <fcgiapp.h>
