// Bad options of propagate-packs are reported, not crashed on.
// RUN: not pack-opt %s -p 'propagate-packs{poison-padding=maybe}' 2>&1 | filecheck %s --check-prefix=VALUE
// RUN: not pack-opt %s -p 'propagate-packs{poison=true}' 2>&1 | filecheck %s --check-prefix=NAME

// VALUE: pack-opt: error: invalid pass pipeline '{{.*}}': Incompatible types: given ('maybe',), expected <class 'bool'>
// NAME: pack-opt: error: invalid pass pipeline '{{.*}}': Provided arguments ["poison"] not found in expected arguments ["poison_padding", "report"]

func.func @f(%x: tensor<16xf32>) -> tensor<16xf32> {
  func.return %x : tensor<16xf32>
}
