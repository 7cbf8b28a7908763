# cmake/fast_deps.cmake - what the small termauth links besides its core:
# TA_FAST_DEPS (and TA_FAST_SHARED, what it loads at start, for the tests).
# The small termauth links jansson and inih statically where their archives
# are installed (Debian's -dev packages have them; Fedora ships neither, Arch
# no libinih.a). TERMAUTH_STATIC_DEPS=AUTO, the default, takes each archive
# found and the shared library for the other; ON requires both archives; OFF
# links both shared. A shared one is loaded at every start of termauth.
set(TERMAUTH_STATIC_DEPS AUTO CACHE STRING
  "Link the small termauth with static jansson and inih: AUTO, ON or OFF")
set_property(CACHE TERMAUTH_STATIC_DEPS PROPERTY STRINGS AUTO ON OFF)
string(TOUPPER "${TERMAUTH_STATIC_DEPS}" TA_STATIC_DEPS)
if(TA_STATIC_DEPS MATCHES "^(ON|YES|TRUE|Y|1)$")
  set(TA_STATIC_DEPS ON)
elseif(TA_STATIC_DEPS MATCHES "^(OFF|NO|FALSE|N|0)$")
  set(TA_STATIC_DEPS OFF)
elseif(NOT TA_STATIC_DEPS STREQUAL "AUTO")
  message(FATAL_ERROR "TERMAUTH_STATIC_DEPS is '${TERMAUTH_STATIC_DEPS}': give AUTO, ON or OFF")
endif()
set(TA_FAST_DEPS)         # what termauth_fast links besides its core
set(TA_FAST_SHARED)       # the libraries it loads at start (for the tests too)
set(TA_FAST_MISSING)
foreach(dep JANSSON INIH)
  string(TOLOWER ${dep} lib)
  if(NOT TA_STATIC_DEPS STREQUAL "OFF")
    find_library(${dep}_STATIC NAMES lib${lib}.a HINTS ${${dep}_LIBRARY_DIRS})
  endif()
  if(NOT TA_STATIC_DEPS STREQUAL "OFF" AND ${dep}_STATIC)
    list(APPEND TA_FAST_DEPS ${${dep}_STATIC})
  else()
    list(APPEND TA_FAST_DEPS PkgConfig::${dep})
    list(APPEND TA_FAST_SHARED lib${lib}.so)
    if(NOT TA_STATIC_DEPS STREQUAL "OFF")
      list(APPEND TA_FAST_MISSING lib${lib}.a)
    endif()
  endif()
endforeach()
list(JOIN TA_FAST_SHARED " and " TA_FAST_SHARED_TEXT)
list(JOIN TA_FAST_MISSING " and " TA_FAST_MISSING_TEXT)
if(TA_FAST_MISSING AND TA_STATIC_DEPS STREQUAL "ON")
  message(FATAL_ERROR "TERMAUTH_STATIC_DEPS=ON, but ${TA_FAST_MISSING_TEXT} not found: "
    "install what is missing, or configure with -DTERMAUTH_STATIC_DEPS=AUTO (or OFF) "
    "to link the small termauth with ${TA_FAST_SHARED_TEXT}")
elseif(TA_FAST_MISSING)
  message(STATUS "${TA_FAST_MISSING_TEXT} not found: the small termauth links "
    "${TA_FAST_SHARED_TEXT} instead, loaded at each start (a little slower)")
elseif(TA_FAST_SHARED)
  message(STATUS "TERMAUTH_STATIC_DEPS=OFF: the small termauth links "
    "${TA_FAST_SHARED_TEXT}, loaded at each start (a little slower)")
endif()
