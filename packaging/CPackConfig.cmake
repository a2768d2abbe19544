# `cpack -G DEB` (run in the build folder) makes a Debian package of the app, ponder-cli, the
# desktop entry, icon, AppStream metainfo and the bundled demo model. Library dependencies are
# found by dpkg-shlibdeps; the QML modules the UI imports at run time are listed in
# packaging/qml-modules.txt, since no tool can see them (tests/packaging/check_qml_modules.py keeps
# that list complete).
set(CPACK_PACKAGE_NAME "ponder")
set(CPACK_PACKAGE_VENDOR "Ponder")
set(CPACK_PACKAGE_CONTACT "Ponder developers <ponder@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Chat with DeepSeek-R1 reasoning models on your own machine")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # debug info stays in the build tree
# The QML modules come from packaging/qml-modules.txt, the list install-deps.sh installs too.
file(STRINGS ${PROJECT_SOURCE_DIR}/packaging/qml-modules.txt _ponder_qml_debs REGEX "^[a-z0-9]")
# A package added to the list reaches the .deb at the next build, without a manual reconfigure.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/packaging/qml-modules.txt)
list(APPEND _ponder_qml_debs qt6-qpa-plugins)
list(JOIN _ponder_qml_debs ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# GPUs through Vulkan: the loader is opened at run time (without it Ponder runs on the CPU and
# `ponder-cli devices` says what is missing), so it is recommended, not required.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libvulkan1, mesa-vulkan-drivers")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/ponder-app/ponder")

install(FILES ${PROJECT_SOURCE_DIR}/packaging/ponder.desktop DESTINATION share/applications
        RENAME io.github.ponder.Ponder.desktop)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/ponder.svg DESTINATION share/icons/hicolor/scalable/apps
        RENAME io.github.ponder.Ponder.svg)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/io.github.ponder.Ponder.metainfo.xml DESTINATION share/metainfo)

include(CPack)
