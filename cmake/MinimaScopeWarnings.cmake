# Per-target warnings and sanitizers, so that third-party code keeps its own flags.
function(minimascope_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor)
  if(MINIMASCOPE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(MINIMASCOPE_SANITIZE)
    # -O1: the sanitizer presets build Debug; unoptimized instrumented code made the suites several
    # times slower than the sanitizers alone (docs/development.md, "Sanitizers").
    target_compile_options(${target} PRIVATE -fsanitize=${MINIMASCOPE_SANITIZE} -fno-omit-frame-pointer -O1)
    target_link_options(${target} PRIVATE -fsanitize=${MINIMASCOPE_SANITIZE})
  endif()
  # Debian's libtorch_cpu loads OpenCV's highgui, which loads Qt 5, into every process. An
  # unoptimized program emits Qt 6's inline functions and template instances out of line and, as
  # Qt 6's libraries define the same names, exports them: Qt 5's libraries then bind to them and the
  # program crashes before main(). Nothing of ours needs exporting (static libraries, programs), so
  # these builds hide it all (`nm -D --defined-only PROGRAM | c++filt | grep ' Q'` lists nothing).
  # The optimized presets keep their flags (and their ccache entries): they export a few dozen Qt 6
  # template instances that Qt 5 does not have, and run.
  if(MINIMASCOPE_SANITIZE OR CMAKE_BUILD_TYPE STREQUAL "Debug")
    target_compile_options(${target} PRIVATE -fvisibility=hidden -fvisibility-inlines-hidden)
  endif()
endfunction()
