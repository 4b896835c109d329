#!/usr/bin/python3
"""The reference tools of `npm run bench`, trained on one corpus with the bench's settings.

usage: /usr/bin/python3 bench/peers.py CORPUS OUTDIR [--methods gensim-sg,gensim-cbow,fasttext-sg,fasttext-sub]
           [--dim 100] [--window 5] [--min-count 5] [--epochs 5] [--negative 5] [--sample 1e-3]
           [--threads 2] [--seed 1]
       /usr/bin/python3 bench/peers.py --check     # which methods can run here, and why not

CORPUS: whitespace-tokenized text, one sentence per line (.gz is fine). gensim comes from Debian's
python3-gensim (hence /usr/bin/python3), fastText from Debian's `fasttext` command. Prints one JSON
line per method: {"method", "seconds" (the training call only), "tokens", "vectors"} — vectors in the
word2vec text format, in OUTDIR.
"""
import argparse, gzip, json, os, shutil, subprocess, sys, tempfile, time

METHODS = ('gensim-sg', 'gensim-cbow', 'fasttext-sg', 'fasttext-sub')


def unavailable():
    """method -> why it cannot run here (absent when it can)."""
    why = {}
    try:
        import gensim  # noqa: F401
    except ImportError:
        reason = 'gensim is not importable by %s (apt-get install python3-gensim)' % sys.executable
        why['gensim-sg'] = why['gensim-cbow'] = reason
    if shutil.which('fasttext') is None:
        why['fasttext-sg'] = why['fasttext-sub'] = 'the fasttext command is not on PATH (apt-get install fasttext)'
    return why


def tokens_in(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt', encoding='utf-8', errors='replace') as f:
        return sum(len(line.split()) for line in f)


def plain_copy(path, tmp):
    """gensim's corpus_file and fastText read plain text: decompress a .gz once."""
    if not path.endswith('.gz'):
        return path
    out = os.path.join(tmp, 'corpus.txt')
    with gzip.open(path, 'rb') as src, open(out, 'wb') as dst:
        shutil.copyfileobj(src, dst)
    return out


def train_gensim(corpus, out, a, skipgram):
    from gensim.models import Word2Vec
    started = time.perf_counter()
    model = Word2Vec(corpus_file=corpus, vector_size=a.dim, window=a.window, min_count=a.min_count,
                     sg=1 if skipgram else 0, hs=0, negative=a.negative, sample=a.sample,
                     epochs=a.epochs, workers=a.threads, seed=a.seed,
                     alpha=0.025 if skipgram else 0.05)  # word2vec's defaults per architecture
    seconds = time.perf_counter() - started
    model.wv.save_word2vec_format(out)
    return seconds


def train_fasttext(corpus, out, a, subwords=False):
    """fastText skip-gram without subwords (-maxn 0), so it is word2vec's model, or with its default
    subwords (-minn 3 -maxn 6, fasttext-sub)."""
    prefix = out[:-len('.txt')]
    command = ['fasttext', 'skipgram', '-input', corpus, '-output', prefix, '-dim', str(a.dim),
               '-ws', str(a.window), '-minCount', str(a.min_count), '-epoch', str(a.epochs),
               '-neg', str(a.negative), '-t', str(a.sample), '-thread', str(a.threads),
               '-lr', '0.025', '-seed', str(a.seed), '-verbose', '0'] + (['-minn', '3', '-maxn', '6'] if subwords else ['-maxn', '0'])
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    os.replace(prefix + '.vec', out)
    if os.path.exists(prefix + '.bin'):
        os.remove(prefix + '.bin')
    return seconds


def main():
    parser = argparse.ArgumentParser(description='reference tools for npm run bench')
    parser.add_argument('corpus', nargs='?')
    parser.add_argument('outdir', nargs='?')
    parser.add_argument('--check', action='store_true', help='print {method: reason} for the methods that cannot run')
    parser.add_argument('--methods', default=','.join(METHODS))
    for name, default in dict(dim=100, window=5, min_count=5, epochs=5, negative=5, threads=2, seed=1).items():
        parser.add_argument('--' + name.replace('_', '-'), type=int, default=default)
    parser.add_argument('--sample', type=float, default=1e-3)
    a = parser.parse_args()
    if a.check:
        print(json.dumps(unavailable()))
        return
    if not a.corpus or not a.outdir:
        parser.error('CORPUS and OUTDIR are required')
    why = unavailable()
    os.makedirs(a.outdir, exist_ok=True)
    tokens = tokens_in(a.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = plain_copy(a.corpus, tmp)
        for method in a.methods.split(','):
            if method not in METHODS:
                sys.exit('unknown method %s (known: %s)' % (method, ', '.join(METHODS)))
            if method in why:
                sys.exit('%s: %s' % (method, why[method]))
            out = os.path.join(a.outdir, method + '.txt')
            if method in ('fasttext-sg', 'fasttext-sub'):
                seconds = train_fasttext(corpus, out, a, subwords=method == 'fasttext-sub')
            else:
                seconds = train_gensim(corpus, out, a, skipgram=method == 'gensim-sg')
            print(json.dumps({'method': method, 'seconds': round(seconds, 3), 'tokens': tokens, 'vectors': out}), flush=True)


if __name__ == '__main__':
    main()
