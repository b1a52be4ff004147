//! The files in `examples/` and what the README's guides say about them.

mod common;

use common::run;

fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_decoder_example_counts_what_its_claim_says() {
    // By hand, with the defaults V=32000, H=512, L=8, I=4*512=2048:
    // embeddings 32000*512 = 16,384,000; attention 4*(512*512+512) = 1,050,624;
    // mlp 2*512*2048 + 2048 + 512 = 2,099,712; norms 2048; block 3,152,384;
    // total 16,384,000 + 8*3,152,384 + 1024 = 41,604,096.
    let decoder = example("decoder.formula");
    assert_eq!(run(&["eval", &decoder]).1, "41604096\n");
    assert_eq!(run(&["eval", &decoder, "--target", "block"]).1, "3152384\n");
    // 12 layers: 16,384,000 + 12*3,152,384 + 1024 = 54,213,632, and the claim no longer holds.
    let (code, out, err) = run(&["eval", &decoder, "--set", "num_layers=12"]);
    assert_eq!((code, out.as_str()), (1, "54213632\n"));
    assert!(err.contains("claimed 41604096"), "{err}");
}

#[test]
fn a_name_defined_twice_is_an_error_that_says_how_to_claim() {
    let dir = std::env::temp_dir().join(format!("paramcount-examples-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("twice.formula");
    std::fs::write(&path, "total = 2*3\ntotal = 6\n").expect("written");
    let (code, _, err) = run(&["eval", &path.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`total` is defined twice (first on line 1)"),
        "{err}"
    );
    assert!(err.contains("twice.formula:2:1"), "{err}");
    assert!(err.contains("`total = ... = 123`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
