# Lab 6 (scale-out): the rooms of lab 5 across instances through Redis.
# solution: wslab_rooms (its RedisRegistry) -- starter: labs/starter/src/scaleout (yours),
# compiled with the provided RedisLink and RedisRoomsApp (rooms/scaleout/) against your
# lab 5 rooms and your Session. Needs hiredis (libhiredis-dev); the lab 6 tests also
# start a real redis-server (Debian's redis-server package).
set(WSLAB_LABS_SCALEOUT_DIR ${PROJECT_SOURCE_DIR}/rooms/scaleout)
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND AND NOT TARGET PkgConfig::HIREDIS)
  pkg_check_modules(HIREDIS IMPORTED_TARGET hiredis)
endif()
find_program(WSLAB_LAB_REDIS_SERVER redis-server)

if(WSLAB_LAB_IMPL STREQUAL "solution" AND TARGET wslab_rooms)
  get_target_property(_rooms_defs wslab_rooms INTERFACE_COMPILE_DEFINITIONS)
  if(_rooms_defs MATCHES "WSLAB_HAVE_ROOMS_REDIS")
    add_library(wslab_lab_scaleout INTERFACE)
    target_link_libraries(wslab_lab_scaleout INTERFACE wslab_rooms)
  endif()
elseif(TARGET PkgConfig::HIREDIS AND EXISTS ${WSLAB_LABS_SCALEOUT_DIR}/src)
  file(GLOB WSLAB_STARTER_SCALEOUT_SOURCES CONFIGURE_DEPENDS
       ${WSLAB_LABS_DIR}/starter/src/scaleout/*.cpp ${WSLAB_LABS_SCALEOUT_DIR}/src/*.cpp)
  add_library(wslab_lab_scaleout STATIC ${WSLAB_STARTER_SCALEOUT_SOURCES})
  wslab_warnings(wslab_lab_scaleout)
  target_include_directories(wslab_lab_scaleout PUBLIC ${WSLAB_LABS_SCALEOUT_DIR}/include)
  target_link_libraries(wslab_lab_scaleout PUBLIC wslab_lab_rooms wslab_lab_net
                                                  nlohmann_json::nlohmann_json PkgConfig::HIREDIS)
else()
  message(STATUS "wslab labs: lab 6 needs libhiredis-dev (apt-get install libhiredis-dev); "
                 "the student server has no --redis")
endif()
