// The translation unit that compiles cmake/TorchPrecompiledHeader.cmake's precompiled header.
