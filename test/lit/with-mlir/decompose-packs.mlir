// REQUIRES: iree-opt
// Upstream's decompose_pack_unpack (through the transform interpreter) meets
// the CHECK lines of our lower-packs{to-tensor-ops=true} on the same inputs,
// and what we print parses and verifies in upstream MLIR.
// RUN: iree-opt --split-input-file --transform-preload-library='transform-library-paths=%S/Inputs/decompose-pack-unpack.mlir' --transform-interpreter %S/../passes/lower-packs-decompose.mlir | filecheck %S/../passes/lower-packs-decompose.mlir
// RUN: pack-opt --split-input-file -p 'lower-packs{to-tensor-ops=true}' %S/../passes/lower-packs-decompose.mlir | iree-opt --split-input-file --verify-diagnostics | filecheck %S/../passes/lower-packs-decompose.mlir
