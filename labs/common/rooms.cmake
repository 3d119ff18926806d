# Lab 5 (wslab.rooms.v1): the rooms code the student server and the lab 5 tests use.
# solution: rooms/ (wslab_rooms, the reference) -- starter: labs/starter/rooms/ (yours).
add_library(wslab_lab_rooms INTERFACE)
