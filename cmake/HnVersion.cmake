# hn_version(SRC FALLBACK OUT): the version of the checkout at SRC:
# `git describe --tags` (leading "v" dropped) where a tag exists, else FALLBACK
# (the project's version: a tarball, or no tag yet). Run as a script
# (cmake -DSRC=dir -DFALLBACK=x.y.z -P HnVersion.cmake) it prints the result;
# tests/integration/cli_version.sh checks both paths that way.
function(hn_version src fallback out)
  set(v "${fallback}")
  find_package(Git QUIET)
  if(GIT_FOUND AND EXISTS "${src}/.git")
    execute_process(COMMAND "${GIT_EXECUTABLE}" describe --tags
      WORKING_DIRECTORY "${src}" RESULT_VARIABLE rc
      OUTPUT_VARIABLE d OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc EQUAL 0 AND d MATCHES "^v?[0-9][0-9A-Za-z.+~-]*$")
      string(REGEX REPLACE "^v" "" v "${d}")
    endif()
  endif()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  hn_version("${SRC}" "${FALLBACK}" v)
  message("${v}")
endif()
