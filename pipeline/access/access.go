// Package access says who may do what on newsflow's NATS server: one user
// per service (fetcher, cleaner, enricher, sink), a client user for
// publishers, subscribers and the CLI's everyday commands, and an admin
// user. Each user may publish and subscribe only to its own subjects and
// call the JetStream API only for its own streams, consumers and buckets,
// so a service that is compromised or misconfigured cannot write another
// stage's output: only the enricher can publish to newsflow.enriched, which
// is why the sink trusts what it consumes there (docs/RELIABILITY.md).
//
// The table (Grants) is the one place these rights are decided. It is
// rendered into an authorization block for a standalone nats-server
// (ServerConf, written by `newsflow credentials` for docker compose) and
// into the embedded server's users (package embedded, for `newsflow run`);
// passwords are generated per deployment (Ensure) and never committed.
package access

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/newsflow/newsflow/pipeline"
	"github.com/newsflow/newsflow/pipeline/runner"
)

// Users of the pipeline's NATS server.
const (
	UserFetcher  = pipeline.StageFetcher
	UserCleaner  = pipeline.StageCleaner
	UserEnricher = pipeline.StageEnricher
	UserSink     = pipeline.StageSink
	// UserClient publishes raw articles, reads enriched articles, stories
	// and dead letters, asks for fetches and manages sources: everything
	// the CLI does but replaying into a later stage.
	UserClient = "client"
	// UserAdmin may do anything (reprocess, replay any dead letter,
	// manage streams).
	UserAdmin = "admin"
)

// Users lists every user, services first.
func Users() []string {
	return []string{UserFetcher, UserCleaner, UserEnricher, UserSink, UserClient, UserAdmin}
}

// InboxPrefix is the reply-subject prefix a user's connections use
// (nats.CustomInboxPrefix): each user may subscribe to its own replies only,
// so no user reads the answers another user asked for.
func InboxPrefix(user string) string { return "_INBOX_" + user }

// Grant is what one user may do: subjects it may publish to and subscribe
// to (NATS wildcards allowed), subjects it may not publish to even where
// Publish allows them (the server's deny list wins), and whether it may
// answer requests it received (the fetcher answers fetch requests).
type Grant struct {
	Publish     []string
	PublishDeny []string
	Subscribe   []string
	Respond     bool
}

// Owner is the user that owns the stream layout (the service started with
// -apply-topology: the cleaner in deploy/compose.yaml): it alone may create
// and update the pipeline's streams. Others create nothing and verify.
const Owner = UserCleaner

// articleStreams are the streams the topology owner creates (runner.Topology).
var articleStreams = []string{
	pipeline.StreamRaw, pipeline.StreamClean, pipeline.StreamEnriched,
	pipeline.StreamDeadLetter, pipeline.StreamStories, runner.StreamAdvisories,
	"OBJ_" + runner.BodiesBucket,
}

// js is the JetStream API prefix.
const js = "$JS.API."

// readStream is reading stream: its info, consumers on it (durable or
// ordered), pulling and acking, and getting single messages.
func readStream(stream string) []string {
	return []string{
		js + "STREAM.INFO." + stream,
		js + "STREAM.MSG.GET." + stream,
		js + "DIRECT.GET." + stream, js + "DIRECT.GET." + stream + ".>",
		js + "CONSUMER.CREATE." + stream, js + "CONSUMER.CREATE." + stream + ".>",
		js + "CONSUMER.DURABLE.CREATE." + stream + ".>",
		js + "CONSUMER.INFO." + stream + ".>",
		js + "CONSUMER.DELETE." + stream + ".>",
		js + "CONSUMER.MSG.NEXT." + stream + ".>",
		js + "CONSUMER.NAMES." + stream, js + "CONSUMER.LIST." + stream,
		"$JS.ACK." + stream + ".>",
		"$JS.FC." + stream + ".>", // flow control of ordered push consumers (KV watch)
	}
}

// ownStream is creating, updating and purging stream as well as reading it.
func ownStream(stream string) []string {
	return append(readStream(stream),
		js+"STREAM.CREATE."+stream, js+"STREAM.UPDATE."+stream, js+"STREAM.PURGE."+stream,
		js+"STREAM.MSG.DELETE."+stream)
}

// kvRead and kvWrite are a KV bucket's rights; kvOwn adds creating it.
func kvRead(bucket string) []string { return readStream("KV_" + bucket) }
func kvWrite(bucket string) []string {
	return append(kvRead(bucket), "$KV."+bucket+".>")
}
func kvOwn(bucket string) []string { return append(kvWrite(bucket), ownStream("KV_"+bucket)...) }

// bodiesRead and bodiesWrite are the claim-check object store's rights.
func bodiesRead() []string { return readStream("OBJ_" + runner.BodiesBucket) }
func bodiesWrite() []string {
	return append(bodiesRead(), "$O."+runner.BodiesBucket+".>", js+"STREAM.PURGE.OBJ_"+runner.BodiesBucket)
}

// service is what every service does at start: verify every stream of
// the topology (svc.Run), and publish to its outputs and its dead-letter
// subject.
func service(name string, out ...string) []string {
	pub := []string{js + "INFO", js + "STREAM.NAMES", js + "STREAM.LIST", pipeline.DeadLetterSubject(name)}
	for _, s := range articleStreams {
		pub = append(pub, js+"STREAM.INFO."+s)
	}
	return append(pub, out...)
}

// consume is reading stream through one durable consumer only: creating
// (or updating) it, its info, pulling from it and acking what it
// delivered, and reading single messages. Another consumer's name, on
// this stream or any other, is refused, so a stage cannot take, ack or
// delete the messages of another stage's consumer.
func consume(stream, durable string) []string {
	return []string{
		js + "STREAM.INFO." + stream,
		js + "STREAM.MSG.GET." + stream,
		js + "DIRECT.GET." + stream, js + "DIRECT.GET." + stream + ".>",
		js + "CONSUMER.CREATE." + stream + "." + durable, js + "CONSUMER.CREATE." + stream + "." + durable + ".>",
		js + "CONSUMER.DURABLE.CREATE." + stream + "." + durable,
		js + "CONSUMER.INFO." + stream + "." + durable,
		js + "CONSUMER.MSG.NEXT." + stream + "." + durable,
		"$JS.ACK." + stream + "." + durable + ".>",
	}
}

// stageConsumers are the stages' durable consumers, by stream.
var stageConsumers = map[string]string{
	pipeline.StreamRaw:      pipeline.StageCleaner,
	pipeline.StreamClean:    pipeline.StageEnricher,
	pipeline.StreamEnriched: pipeline.StageSink,
}

// notStageConsumers denies taking over the stages' durable consumers:
// creating or changing one, pulling from it, acking for it, deleting it. A
// user that reads a stream (the client reads raw and enriched through
// ordered consumers) could otherwise take a stage's messages and ack them
// unprocessed, and they would be lost.
func notStageConsumers() []string {
	var deny []string
	for stream, durable := range stageConsumers {
		deny = append(deny,
			js+"CONSUMER.CREATE."+stream+"."+durable, js+"CONSUMER.CREATE."+stream+"."+durable+".>",
			js+"CONSUMER.DURABLE.CREATE."+stream+"."+durable,
			js+"CONSUMER.MSG.NEXT."+stream+"."+durable,
			js+"CONSUMER.DELETE."+stream+"."+durable,
			"$JS.ACK."+stream+"."+durable+".>")
	}
	return deny
}

// stage adds what a stage's runner does: consume its input through its
// durable consumer (named after the stage) and watch its max-deliveries
// advisories through its own (runner.Stage).
func stage(name, inStream string, out ...string) []string {
	return concat(service(name, out...), consume(inStream, name), consume(runner.StreamAdvisories, runner.MaxDeliveriesConsumer(name)))
}

// Grants returns every user's rights.
func Grants() map[string]Grant {
	inbox := func(user string) []string { return []string{InboxPrefix(user) + ".>"} }
	// The layout owner creates and updates the streams; it reads none of
	// them beyond its own stage's input.
	owner := []string{}
	for _, s := range articleStreams {
		owner = append(owner, js+"STREAM.CREATE."+s, js+"STREAM.UPDATE."+s)
	}
	g := map[string]Grant{
		UserFetcher: {
			Publish: concat(service(pipeline.StageFetcher, pipeline.SubjectRaw),
				bodiesWrite(), kvOwn(pipeline.BucketSeen), kvOwn(pipeline.BucketSources), kvOwn(pipeline.BucketSourceState)),
			Subscribe: concat(inbox(UserFetcher), []string{pipeline.SubjectFetch}),
			Respond:   true,
		},
		UserCleaner: {
			Publish:   concat(stage(pipeline.StageCleaner, pipeline.StreamRaw, pipeline.SubjectClean), bodiesRead()),
			Subscribe: inbox(UserCleaner),
		},
		UserEnricher: {
			Publish: concat(stage(pipeline.StageEnricher, pipeline.StreamClean, pipeline.SubjectEnriched, pipeline.SubjectStoryMemory),
				ownStream(pipeline.StreamStoryMemory), kvOwn(pipeline.BucketEntities)),
			Subscribe: inbox(UserEnricher),
		},
		UserSink: {
			Publish:   concat(stage(pipeline.StageSink, pipeline.StreamEnriched, pipeline.SubjectStories), readStream(pipeline.StreamStories)),
			Subscribe: inbox(UserSink),
		},
		UserClient: {
			Publish: concat([]string{pipeline.SubjectRaw, pipeline.SubjectFetch, js + "INFO", js + "STREAM.NAMES", js + "STREAM.LIST"},
				readStream(pipeline.StreamRaw), readStream(pipeline.StreamEnriched), readStream(pipeline.StreamStories),
				readStream(pipeline.StreamDeadLetter), bodiesWrite(),
				// `newsflow sources` opens the registry as the fetcher does
				// (creating its buckets if missing) and edits both (`rm`
				// drops a source's state).
				kvOwn(pipeline.BucketSources), kvOwn(pipeline.BucketSourceState),
				// `newsflow dead replay` removes what it replayed.
				[]string{js + "STREAM.MSG.DELETE." + pipeline.StreamDeadLetter},
				// A dead letter of the fetcher or the cleaner is replayed to
				// newsflow.raw, which the client may write; a later stage's
				// is replayed by the admin.
				[]string{js + "STREAM.INFO." + runner.StreamAdvisories, js + "STREAM.INFO.OBJ_" + runner.BodiesBucket}),
			// Reading raw and enriched, it may still not touch the
			// stages' consumers of them.
			PublishDeny: notStageConsumers(),
			Subscribe:   inbox(UserClient),
		},
		UserAdmin: {Publish: []string{">"}, Subscribe: []string{">"}, Respond: true},
	}
	o := g[Owner]
	o.Publish = concat(o.Publish, owner)
	g[Owner] = o
	for u, gr := range g {
		gr.Publish = uniq(gr.Publish)
		gr.PublishDeny = uniq(gr.PublishDeny)
		gr.Subscribe = uniq(gr.Subscribe)
		g[u] = gr
	}
	return g
}

func concat(lists ...[]string) []string { return slices.Concat(lists...) }

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// Credentials are the users' passwords, by user.
type Credentials map[string]string

// PasswordFile is the file in a credentials directory holding user's
// password.
func PasswordFile(dir, user string) string { return filepath.Join(dir, user+".password") }

// Ensure returns the passwords kept in dir, generating (32 random bytes,
// hex) and writing any that are missing: dir is created 0700, each file
// 0600 unless world-readable files are asked for (a directory bind-mounted
// into containers running as another uid; the directory's 0700 still
// keeps other host users out).
func Ensure(dir string, worldReadable bool) (Credentials, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	mode := fs.FileMode(0o600)
	if worldReadable {
		mode = 0o644
	}
	c := Credentials{}
	for _, u := range Users() {
		path := PasswordFile(dir, u)
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			buf := make([]byte, 32)
			if _, err := rand.Read(buf); err != nil {
				return nil, err
			}
			b = []byte(hex.EncodeToString(buf) + "\n")
			if err := os.WriteFile(path, b, mode); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
		pw := strings.TrimSpace(string(b))
		if pw == "" {
			return nil, fmt.Errorf("%s is empty: delete it to generate a password", path)
		}
		c[u] = pw
	}
	return c, nil
}

// AnonymousGrant is what a client that gives no credentials may do where a
// server allows that at all (the all-in-one on localhost only): the
// client's grant with the default reply inbox
// (_INBOX.>) added, so that any NATS client works without configuring an
// inbox prefix. It lets an anonymous client read other users' replies: one
// more reason to allow it only where the server is reachable from this
// machine alone.
func AnonymousGrant() Grant {
	g := Grants()[UserClient]
	g.Subscribe = uniq(append(g.Subscribe, "_INBOX.>"))
	return g
}

// ServerConf renders the authorization block of a nats-server
// configuration with c's passwords, bcrypt-hashed: a file the server's
// configuration includes. It has no anonymous user: every client logs in.
func ServerConf(c Credentials) ([]byte, error) {
	var b strings.Builder
	b.WriteString("# newsflow's NATS users, generated by `newsflow credentials` from\n")
	b.WriteString("# package access (pipeline/access). Do not edit: regenerate.\n")
	b.WriteString("authorization {\n  users = [\n")
	grants := Grants()
	for _, u := range Users() {
		hash, err := bcrypt.GenerateFromPassword([]byte(c[u]), 11)
		if err != nil {
			return nil, err
		}
		g := grants[u]
		fmt.Fprintf(&b, "    {\n      user: %q\n      password: %q\n      permissions: {\n", u, string(hash))
		if len(g.PublishDeny) > 0 {
			fmt.Fprintf(&b, "        publish: { allow: %s, deny: %s }\n", quoteList(g.Publish), quoteList(g.PublishDeny))
		} else {
			fmt.Fprintf(&b, "        publish: { allow: %s }\n", quoteList(g.Publish))
		}
		fmt.Fprintf(&b, "        subscribe: { allow: %s }\n", quoteList(g.Subscribe))
		if g.Respond {
			b.WriteString("        allow_responses: { max: 1 }\n")
		}
		b.WriteString("      }\n    }\n")
	}
	b.WriteString("  ]\n}\n")
	return []byte(b.String()), nil
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
