"""The sweep workload's peer: a plain Python loop that counts LLaMA (LlamaForCausalLM, the
Meta-Llama-3-8B config's other sizes) at every (num_hidden_layers, hidden_size) of a grid with exact
integers and writes the same CSV as `paramcount sweep ... --format csv`.

    python3 sweep_loop.py 1000 1000 > rows.csv
"""
import sys

V, A, K, I = 128256, 32, 8, 14336  # vocab_size, num_attention_heads, num_key_value_heads, intermediate_size


def main(layers, widths):
    out = sys.stdout
    out.write("num_hidden_layers,hidden_size,total\n")
    rows = []
    for L in range(1, layers + 1):
        for H in range(1, widths + 1):
            D = H // A  # head_dim absent: hidden_size // num_attention_heads
            layer = H * A * D + 2 * H * K * D + A * D * H + 3 * H * I + 2 * H
            rows.append(f"{L},{H},{V * H + L * layer + H + V * H}\n")
        if len(rows) > 100_000:
            out.write("".join(rows))
            rows.clear()
    out.write("".join(rows))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
