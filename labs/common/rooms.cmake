# Lab 5 (wslab.rooms.v1): the rooms code the student server and the lab 5 tests use.
# solution: rooms/ (wslab_rooms, the reference) -- starter: labs/starter/src/rooms (yours).
add_library(wslab_lab_rooms INTERFACE)
if(WSLAB_LAB_IMPL STREQUAL "solution" AND TARGET wslab_rooms)
  target_link_libraries(wslab_lab_rooms INTERFACE wslab_rooms)
else()
  file(GLOB WSLAB_STARTER_ROOMS_SOURCES CONFIGURE_DEPENDS ${WSLAB_LABS_DIR}/starter/src/rooms/*.cpp)
  add_library(wslab_starter_rooms STATIC ${WSLAB_STARTER_ROOMS_SOURCES})
  wslab_warnings(wslab_starter_rooms)
  target_link_libraries(wslab_starter_rooms PUBLIC wslab_lab_impl nlohmann_json::nlohmann_json)
  target_link_libraries(wslab_lab_rooms INTERFACE wslab_starter_rooms)
endif()

# The provided adapter to net (both implementations).
add_library(wslab_lab_rooms_app STATIC ${WSLAB_LABS_DIR}/common/lab_rooms_app.cpp)
wslab_warnings(wslab_lab_rooms_app)
target_include_directories(wslab_lab_rooms_app PUBLIC ${WSLAB_LABS_DIR}/common)
target_link_libraries(wslab_lab_rooms_app PUBLIC wslab_lab_rooms wslab_lab_net)
