# What a desktop and a man reader expect of an installed MinimaScope, made at build time:
# the application icon (the SVG, and PNGs rendered from it with rsvg-convert) under
# share/icons/hicolor, man pages of both programs (help2man from their --help), the launcher entry
# and AppStream metadata, and share/doc/minimascope/{copyright,changelog.gz}. Missing tools
# (librsvg2-bin, help2man) only skip their part, with a warning.
set(_packaging_dir ${CMAKE_CURRENT_LIST_DIR})
set(_generated ${PROJECT_BINARY_DIR}/packaging)
set(MINIMASCOPE_APP_ID io.github.minimascope.MinimaScope)
file(MAKE_DIRECTORY ${_generated})

# ---- icon ----------------------------------------------------------------------------------------
install(FILES ${_packaging_dir}/icons/${MINIMASCOPE_APP_ID}.svg DESTINATION share/icons/hicolor/scalable/apps)
find_program(RSVG_CONVERT rsvg-convert)
if(RSVG_CONVERT)
  set(_icons)
  foreach(_size 16 24 32 48 64 128 256)
    set(_png ${_generated}/icons/${_size}x${_size}/${MINIMASCOPE_APP_ID}.png)
    add_custom_command(OUTPUT ${_png}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${_generated}/icons/${_size}x${_size}
      COMMAND ${RSVG_CONVERT} -w ${_size} -h ${_size} -o ${_png} ${_packaging_dir}/icons/${MINIMASCOPE_APP_ID}.svg
      DEPENDS ${_packaging_dir}/icons/${MINIMASCOPE_APP_ID}.svg VERBATIM)
    list(APPEND _icons ${_png})
    install(FILES ${_png} DESTINATION share/icons/hicolor/${_size}x${_size}/apps)
  endforeach()
  add_custom_target(minimascope-icons ALL DEPENDS ${_icons})
else()
  message(WARNING "rsvg-convert not found (install librsvg2-bin): only the SVG icon is installed")
endif()

# ---- man pages -----------------------------------------------------------------------------------
# Run by their bare names (PATH pointing at the build), so that the pages say 'minimascope-cli',
# not the build folder.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(_man_pages)
  set(_programs minimascope-cli)
  set(_name_minimascope-cli "train networks and measure why SGD finds flat minima")
  set(_help_minimascope-cli --help-option=--help-all)
  if(MINIMASCOPE_BUILD_GUI)
    list(APPEND _programs minimascope)
    set(_name_minimascope "desktop application: why SGD finds flat minima")
    # Its --version says "MinimaScope 0.1.0"; the page is named after the program.
    set(_help_minimascope --help-option=--help "--version-string=minimascope ${PROJECT_VERSION}")
  endif()
  foreach(_program ${_programs})
    set(_page ${_generated}/man/${_program}.1)
    add_custom_command(OUTPUT ${_page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${_generated}/man
      COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
              "PATH=$<TARGET_FILE_DIR:${_program}>:/usr/bin:/bin" ${HELP2MAN} --no-info --no-discard-stderr ${_help_${_program}}
              --version-option=--version --section=1 "--name=${_name_${_program}}"
              --include=${_packaging_dir}/man-common.h2m --output=${_page} ${_program}
      COMMAND gzip -9nf ${_page}
      DEPENDS ${_program} ${_packaging_dir}/man-common.h2m VERBATIM)
    list(APPEND _man_pages ${_page}.gz)
    install(FILES ${_page}.gz DESTINATION share/man/man1)
  endforeach()
  add_custom_target(minimascope-man ALL DEPENDS ${_man_pages})
else()
  message(WARNING "help2man not found (install help2man): no man pages")
endif()

# ---- launcher, AppStream, copyright, changelog --------------------------------------------------
if(MINIMASCOPE_BUILD_GUI)
  install(FILES ${_packaging_dir}/${MINIMASCOPE_APP_ID}.desktop DESTINATION share/applications)
  install(FILES ${_packaging_dir}/${MINIMASCOPE_APP_ID}.metainfo.xml DESTINATION share/metainfo)
endif()
install(FILES ${_packaging_dir}/copyright DESTINATION share/doc/minimascope)
# Debian's changelog format (a native package's share/doc/PACKAGE/changelog.gz); CHANGELOG.md is
# the readable history.
configure_file(${_packaging_dir}/changelog.in ${_generated}/changelog @ONLY)
execute_process(COMMAND gzip -9nc ${_generated}/changelog OUTPUT_FILE ${_generated}/changelog.gz)
install(FILES ${_generated}/changelog.gz DESTINATION share/doc/minimascope)
