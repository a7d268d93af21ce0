# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE).
if(CPACK_GENERATOR STREQUAL "TGZ")
  # The archive holds the same tree as the .deb and .rpm (usr/…, etc/herald/…) under one top folder:
  # unpack it over / (tar -xzf … --strip-components=1 -C /) or anywhere and run usr/bin/herald.
  set(CPACK_SET_DESTDIR ON)
  set(CPACK_INSTALL_PREFIX /usr)
endif()
